/* Placeholder: replaced by the real subcommand. */
#include "cli.h"
int cmd_engage(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_failure("engage", "not built yet");
}
