"""Versions of one FORM.317 dataset: the published dataset and its update copies.

An update copy under review (workflow/updates.py) and its published original share the ID de
Dataset by design. The metadata validators need only this relation, not the workflow's
service layer, so it lives here, on top of the workflow's tables alone.
"""

from __future__ import annotations

from .workflow import model as wf_model

# Set on the context of the package_create that makes an update copy: the copy carries its
# original's FORM.317 identifiers before the workflow has recorded the link between them.
UPDATE_OF_CONTEXT_KEY = "pueblaabierto.update_of"


def update_relatives(package_id: str) -> set[str]:
    """Ids of the datasets that are versions of the same FORM.317 dataset as ``package_id``.

    An update copy and its published original share ID de Dataset by design; uniqueness
    checks must not count one against the other.
    """
    state = wf_model.get_state(package_id)
    original = str(state.revision_of) if state is not None and state.revision_of else package_id
    copies = wf_model.session().query(wf_model.WorkflowState.package_id).filter(
        wf_model.WorkflowState.revision_of == original
    )
    return ({original} | {str(row.package_id) for row in copies}) - {package_id}
