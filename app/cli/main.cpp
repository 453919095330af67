// `torchprep`: the headless command line. Wiring only; the commands live in core/commands.
#include "commands/cli.h"

#include <iostream>

int main(int argc, char **argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    return torchprep::runCli(args, std::cout, std::cerr);
}
