"""Image post-processing for delivered files: resize to listed sizes, convert format.

Pillow is an optional extra (`pip install 'genmedia-skills[images]'`); it is imported
only when a resize or a conversion is asked for, and its absence is a one-line usage
error raised before anything is sent (`require_pillow`).

Sizes are the long side in pixels, named as the asset pipelines name them: scale
factors `@1x`, `@2x`, `@3x` (any `@Nx`) of a base size, `hero`=160, any `name=PX`, or a bare
`PX`. The base is the size the user names for @1x (`@1x=32,@2x,@3x` gives 32, 64, 96);
without one it is 24 (an app icon's @1x).
"""

import importlib
import re

from ..core.errors import UsageError

# every install route, since the runtime may live in a uv tool or pipx venv that `pip` does not reach
EXTRA_HINT = ("add the [images] extra where the runtime is installed: uv tool install '<path of the clone>[images]' "
              "(or 'genmedia-skills[images]'), pipx inject genmedia-skills Pillow, or pip install "
              "'genmedia-skills[images]' (a checkout: .venv/bin/pip install -e '.[images]')")
NAMED_SIZES = {"hero": 160}
DEFAULT_BASE = 24   # @1x when the user names no base size
_SCALE = re.compile(r"^@(\d+(?:\.\d+)?)x$")
FORMATS = {"webp": ".webp", "png": ".png", "jpeg": ".jpg"}
EXTENSION_FORMATS = {".webp": "webp", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
_NAME = re.compile(r"^[@A-Za-z0-9_-]{1,32}$")
MAX_SIZE = 8192


def require_pillow(field):
    """Import Pillow or raise the usage error naming the extra."""
    try:
        importlib.import_module("PIL.Image")   # the import is the check
    except ImportError:
        raise UsageError("%s: image post-processing needs Pillow, which is not installed; %s"
                         % (field, EXTRA_HINT)) from None


def parse_sizes(field, value):
    """`value` (a "24,48,@3x,hero=160" string, a list, or a {name: px} mapping) as
    [{"name", "size"}]; UsageError naming `field` otherwise."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        parts = value.split(",") if isinstance(value, str) else value
        if not isinstance(parts, list):
            raise UsageError("%s: %r is not a list of sizes; e.g. 24,48,72 or @1x,@2x,hero or icon=96"
                             % (field, value))
        named = [_one_size(field, part) for part in parts]
        base = next((px for name, px in named if name == "@1x" and px is not None), DEFAULT_BASE)
        pairs = [(name, _scaled(field, name, base) if px is None else px) for name, px in named]
    sizes = []
    for name, px in pairs:
        if not isinstance(name, str) or not _NAME.match(name):
            raise UsageError("%s: size name %r: use letters, digits, @, - or _" % (field, name))
        if isinstance(px, bool) or not isinstance(px, int) or not 1 <= px <= MAX_SIZE:
            raise UsageError("%s: size %r for %s must be whole pixels from 1 to %d" % (field, px, name, MAX_SIZE))
        sizes.append({"name": name, "size": px})
    if len({s["name"] for s in sizes}) != len(sizes):
        raise UsageError("%s: %r names a size twice" % (field, value))
    return sizes


def _one_size(field, part):
    if isinstance(part, int) and not isinstance(part, bool):
        return str(part), part
    text = str(part).strip()
    if text in NAMED_SIZES:
        return text, NAMED_SIZES[text]
    if _SCALE.match(text):
        return text, None   # a scale of the base size, known once every part is read
    name, eq, px = text.partition("=")
    if not eq:
        name, px = text, text
    if not px.strip().isdigit():
        raise UsageError("%s: %r is not a size; allowed: pixels (24), a scale of the @1x size (@1x=32,@2x,@3x; "
                         "@1x is %d unless named), hero (160) or name=PX" % (field, text, DEFAULT_BASE))
    return name.strip(), int(px)


def _scaled(field, name, base):
    """`@Nx` in pixels: N times the @1x size."""
    px = base * float(_SCALE.match(name).group(1))
    if px != int(px):
        raise UsageError("%s: %s of a %d px @1x is %g px, not whole pixels; name another @1x size" % (field, name, base, px))
    return int(px)


def parse_format(field, value):
    if value is None:
        return None
    text = str(value).strip().lower()
    text = "jpeg" if text == "jpg" else text
    if text not in FORMATS:
        raise UsageError("%s: %r is not a supported format; allowed: %s" % (field, value, ", ".join(FORMATS)))
    return text


def convert(source, target, fmt, size=None):
    """Write `source` to `target` as `fmt`, scaled so its long side is `size` (if given)."""
    from PIL import Image

    with Image.open(str(source)) as image:
        image.load()
        if size and max(image.size) != size:  # the long side becomes exactly `size`
            ratio = size / float(max(image.size))
            image = image.resize((max(1, round(image.width * ratio)), max(1, round(image.height * ratio))),
                                 Image.LANCZOS)
        if fmt == "jpeg" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")   # JPEG has no alpha
        image.save(str(target), format=fmt.upper())
