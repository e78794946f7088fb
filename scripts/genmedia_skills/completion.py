"""Shell completion for the `genmedia-skills` command: `genmedia-skills --completion bash`
(or zsh) prints a script that completes skill names, each skill's commands and each
command's options. The words are read from the skills themselves when the script is made,
so completing costs the shell nothing at all."""

import shlex

SHELLS = ("bash", "zsh")


def words():
    """{skill: {command: [options]}} of every skill of the bundle."""
    import typer

    from .skills import NAMES, load

    found = {}
    for name in NAMES:
        group = typer.main.get_command(load(name).app())
        found[name] = {command: sorted(opt for param in group.commands[command].params
                                       for opt in list(param.opts) + list(param.secondary_opts)
                                       if opt.startswith("--"))
                       for command in group.commands}
    return found


def bash_script(command="genmedia-skills"):
    table = words()
    commands = "\n".join("        %s) words=%s;;" % (skill, shlex.quote(" ".join(sorted(cmds) + ["--help"])))
                         for skill, cmds in table.items())
    options = "\n".join("        %s) words=%s;;" % (shlex.quote("%s %s" % (skill, cmd)), shlex.quote(" ".join(opts)))
                        for skill, cmds in table.items() for cmd, opts in cmds.items())
    function = "_" + command.replace("-", "_")
    return "\n".join([
        "# %s completion (bash; zsh: autoload -U +X bashcompinit && bashcompinit first)" % command,
        "%s() {" % function,
        '    local cur="${COMP_WORDS[COMP_CWORD]}" words=""',
        "    if [ \"$COMP_CWORD\" -eq 1 ]; then",
        "        words=%s" % shlex.quote(" ".join(list(table) + ["--help", "--version", "--completion"])),
        "    elif [ \"$COMP_CWORD\" -eq 2 ]; then",
        '        case "${COMP_WORDS[1]}" in',
        commands,
        "        --completion) words=%s;;" % shlex.quote(" ".join(SHELLS)),
        "        esac",
        "    else",
        '        case "${COMP_WORDS[1]} ${COMP_WORDS[2]}" in',
        options,
        "        esac",
        "    fi",
        '    COMPREPLY=($(compgen -W "$words" -- "$cur"))',
        "}",
        "complete -o default -F %s %s" % (function, command),
        "",
    ])


def script(shell):
    from .core.errors import UsageError

    if shell not in SHELLS:
        raise UsageError("--completion: %r is not one of: %s" % (shell, ", ".join(SHELLS)))
    text = bash_script()
    if shell == "zsh":
        text = "autoload -U +X bashcompinit && bashcompinit\n" + text
    return text
