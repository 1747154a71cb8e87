/* Placeholder: replaced by the real subcommand. */
#include "cli.h"
int cmd_catalog_defense(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_failure("catalog_defense", "not built yet");
}
