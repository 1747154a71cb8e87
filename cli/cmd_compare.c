/*
 * thirdsite compare (docs/analysis-commands.md).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

int cmd_compare(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_failure("compare", "not built yet");
}
