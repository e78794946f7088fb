"""The generation-batch skill: `run MANIFEST` generates a list of assets together and resumes
on a re-run; `validate MANIFEST` shows what a run would do (nothing sent)."""

from ..command.cli import ARTIFACTS, BUDGET, QUIET, SIMULATE, TIMEOUT, SkillCLI, _option, check_timeout
from ..command.options import argument


MANIFEST = argument("manifest", str, help="The manifest (JSON, or YAML with PyYAML).")
YES = _option("yes", bool, False, "--yes",
              help="Confirm every spending gate of the batch at once (shows the estimated total first).")
RETRY_FAILED = _option("retry_failed", bool, False, "--retry-failed",
                       help="On a re-run, submit failed items again (each new submit is charged).")
RESUBMIT_UNKNOWN = _option("resubmit_unknown", bool, False, "--resubmit-unknown",
                           help="On a re-run, submit again items whose earlier submit outcome is unknown (may charge twice).")
AS_NEW = _option("as_new", bool, False, "--as-new",
                 help="Generate items again that the batch of another manifest (a moved, renamed or copied one) "
                      "already made with the same id and request; without it their runs are used (asks for --yes).")


class _Context:
    def close(self):
        pass


def _run(ctx, kw, validate_only=False):
    from ..batch.runner import BatchRun, Options

    if not validate_only:
        check_timeout(kw["timeout"])
    batch = BatchRun(kw["manifest"], Options(dict(kw, invocation=SKILL.invocation)), validate_only=validate_only)
    try:
        return batch.execute()
    finally:
        batch.close()


def _validate(ctx, kw):
    return _run(ctx, kw, validate_only=True)


class BatchCLI(SkillCLI):
    def __init__(self):
        super().__init__("generation-batch", None, lambda: None,
                         help="Generate a list of assets (a manifest) together: checked first, one --yes for "
                              "the batch, one scheduler, files delivered into the project; a re-run resumes.")

    def make_context(self, kw):
        return _Context()

    def commands(self):
        return [
            ("run", _run, [MANIFEST, YES, TIMEOUT, RETRY_FAILED, RESUBMIT_UNKNOWN, AS_NEW] + BUDGET
             + [SIMULATE, ARTIFACTS, QUIET],
             "Check the whole manifest, then submit, poll and deliver every item (a re-run resumes)."),
            ("validate", _validate, [MANIFEST, RETRY_FAILED, RESUBMIT_UNKNOWN, AS_NEW] + BUDGET
             + [SIMULATE, ARTIFACTS, QUIET],
             "Check the manifest and show what `run` would do and cost; nothing is generated (CreatOK items "
             "read its current limits and prices)."),
        ]


SKILL = BatchCLI()
