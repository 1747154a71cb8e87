/* Placeholder: replaced by the real subcommand. */
#include "cli.h"
int cmd_catalog(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_failure("catalog", "not built yet");
}
