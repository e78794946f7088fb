"""Command options declared without importing typer, and the fast parse of a plain command line.

Skills declare options as `Annotated[type, Option("--name", help=...)]`. typer (and click
beneath it) costs more to import than a whole request to a provider, so a command line made
only of known `--name value` / `--flag` words is parsed here; typer is imported only for
`--help`, an error, or anything else unusual, and then parses the same line itself. Both
give the same keyword values (tests/test_fast_parse.py compares them on every command).
"""

from typing import List, Union

try:
    from typing import Annotated, get_args, get_origin
except ImportError:  # Python 3.9 lacks nothing here, but keep the import honest
    from typing_extensions import Annotated, get_args, get_origin

_NONE = type(None)


class Option:
    """typer.Option's declaration, kept as data until typer needs it."""

    kind = "option"

    def __init__(self, *decls, help=None):
        self.decls = decls
        self.help = help

    def to_typer(self, typer):
        return typer.Option(*self.decls, help=self.help)


class Argument(Option):
    """A positional argument (generation-batch's manifest)."""

    kind = "argument"

    def to_typer(self, typer):
        return typer.Argument(help=self.help)


class Param:
    """One keyword parameter of a command: its name, annotation and default (what
    inspect.Parameter would hold, without importing inspect)."""

    def __init__(self, name, annotation, default=None):
        self.name = name
        self.annotation = annotation
        self.default = default

    @property
    def spec(self):
        return get_args(self.annotation)[1]

    @property
    def value_type(self):
        """(base type, is_list): Optional[List[str]] -> (str, True)."""
        kind = get_args(self.annotation)[0]
        if get_origin(kind) is Union:
            kind = [arg for arg in get_args(kind) if arg is not _NONE][0]
        if get_origin(kind) in (list, List):
            return get_args(kind)[0], True
        return kind, False

    def to_inspect(self, typer):
        import inspect

        spec = self.spec
        info = spec.to_typer(typer) if isinstance(spec, Option) else spec   # typer's own OptionInfo as is
        base = get_args(self.annotation)[0]
        return inspect.Parameter(self.name, inspect.Parameter.KEYWORD_ONLY, default=self.default,
                                 annotation=Annotated[base, info])


def as_param(param):
    """A Param from an inspect.Parameter too (a skill may build its own)."""
    if isinstance(param, Param):
        return param
    return Param(param.name, param.annotation, None if param.default is param.empty else param.default)


def option(name, annotation, default, *decls, help):
    return Param(name, Annotated[annotation, Option(*decls, help=help)], default)


def argument(name, annotation, help):
    return Param(name, Annotated[annotation, Argument(help=help)], None)


def params_of(fn):
    """The keyword parameters of a skill's options function, in order."""
    code = fn.__code__
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    defaults = dict(zip(names[len(names) - len(fn.__defaults__ or ()):], fn.__defaults__ or ()))
    defaults.update(fn.__kwdefaults__ or {})
    hints = fn.__annotations__
    return [Param(name, hints[name], defaults.get(name)) for name in names]


def _decls(spec):
    if isinstance(spec, Option):
        return spec.decls
    return tuple(getattr(spec, "param_decls", ()) or ())   # a typer.Option a skill made itself


def fast_parse(params, args):
    """{name: value} for `args` (the words after the command name), or None when typer must
    parse them: `--help`, an unknown or malformed word, a value that does not convert."""
    flags, valued, positional = {}, {}, []
    params = [as_param(param) for param in params]
    for param in params:
        spec = param.spec
        if getattr(spec, "kind", None) == "argument":
            positional.append(param)
            continue
        if not isinstance(spec, Option) and spec.__class__.__name__ != "OptionInfo":
            return None
        kind, _ = param.value_type
        for decl in _decls(spec):
            if kind is bool:
                on, _, off = decl.partition("/")
                flags[on] = (param, True)
                if off:
                    flags[off] = (param, False)
            else:
                valued[decl] = param
    values = {param.name: param.default for param in params}
    seen = set()
    words = list(args)
    while words:
        word = words.pop(0)
        if not word.startswith("--") or word == "--":
            if word.startswith("-") or not positional:
                return None
            param = positional.pop(0)
            values[param.name] = word
            continue
        name, eq, value = word.partition("=")
        if name in flags and not eq:
            param, state = flags[name]
            if param.name in seen:
                return None
            values[param.name] = state
            seen.add(param.name)
            continue
        param = valued.get(name)
        if param is None:
            return None
        if not eq:
            if not words or words[0].startswith("--"):
                return None
            value = words.pop(0)
        kind, many = param.value_type
        try:
            value = kind(value) if kind in (int, float) else value
        except ValueError:
            return None
        if kind not in (int, float, str):
            return None
        if many:
            values[param.name] = (values[param.name] or []) + [value]
        elif param.name in seen:
            return None
        else:
            values[param.name] = value
        seen.add(param.name)
    if positional:   # a missing argument: typer says so
        return None
    return values


def is_help(args):
    return any(word in ("--help", "-h") for word in args)

