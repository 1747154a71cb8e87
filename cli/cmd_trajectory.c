/* Placeholder: replaced by the real subcommand. */
#include "cli.h"
int cmd_trajectory(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_failure("trajectory", "not built yet");
}
