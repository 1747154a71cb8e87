/* Placeholder: replaced by the real subcommand. */
#include "cli.h"
int cmd_arc(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_failure("arc", "not built yet");
}
