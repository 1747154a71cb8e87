/* Placeholder: replaced by the real subcommand. */
#include "cli.h"
int cmd_propagate(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_failure("propagate", "not built yet");
}
