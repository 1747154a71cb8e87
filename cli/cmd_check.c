/* Placeholder: replaced by the real subcommand. */
#include "cli.h"
int cmd_check(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_failure("check", "not built yet");
}
