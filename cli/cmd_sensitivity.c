/*
 * thirdsite sensitivity (docs/analysis-commands.md).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

int cmd_sensitivity(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_failure("sensitivity", "not built yet");
}
