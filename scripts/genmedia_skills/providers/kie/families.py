"""KIE's API families by name and by the path that creates their tasks.

The catalogs name a model's family (`x-api`; none: the Market jobs API); a run's
request.endpoint names the operation that created its task. A new family is one
module with a FAMILY and a line here.
"""

from . import aleph, flux_kontext, gpt4o_image, runway, suno, veo

BY_NAME = {module.FAMILY.name: module.FAMILY for module in (veo, gpt4o_image, flux_kontext, runway, aleph, suno)}


def family(name):
    return BY_NAME[name]


def operation_at(path):
    """(family, operation) whose create path is `path`, or (None, None) for the Market."""
    for fam in BY_NAME.values():
        for op in fam.operations:
            if op.path == path:
                return fam, op
    return None, None


def of_endpoint(endpoint):
    """(family, operation) of a run's recorded "METHOD /path", or (None, None)."""
    return operation_at((endpoint or "").partition(" ")[2].strip())


def of_label(label):
    """(family, operation) of a follow-up's model label "<family>/<operation>", or (None, None)."""
    name, _, op_name = (label or "").partition("/")
    fam = BY_NAME.get(name)
    for op in fam.operations if fam else ():
        if op.name == op_name:
            return fam, op
    return None, None
