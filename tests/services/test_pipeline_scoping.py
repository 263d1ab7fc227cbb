"""The pipeline list filters by job alone only for the caller's own company's job."""

import pytest

from app.errors import Forbidden
from app.services import applications


def test_staff_never_list_another_companys_applications_by_job(factory):
    ours, theirs = factory.tenant(), factory.tenant()
    factory.application(factory.candidate(), theirs["job"])
    mine = factory.application(factory.candidate(), ours["job"])
    assert applications.list_applications(ours["recruiter"], job_id=theirs["job"].id).items == []
    with pytest.raises(Forbidden):
        applications.list_job_applications(ours["recruiter"], theirs["job"].id)
    page = applications.list_job_applications(ours["hiring_manager"], ours["job"].id)
    assert [a.id for a in page.items] == [mine.id]
