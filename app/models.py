"""Import every model module so that the metadata (and Alembic) sees all tables."""

from app.accounts import models as accounts_models  # noqa: F401
from app.api import models as api_models  # noqa: F401
from app.desk import models as desk_models  # noqa: F401
from app.fields import models as fields_models  # noqa: F401
from app.notify import models as notify_models  # noqa: F401
from app.onboarding import models as onboarding_models  # noqa: F401
from app.portal import models as portal_models  # noqa: F401
from app.reports import models as reports_models  # noqa: F401
from app.tickets import models as tickets_models  # noqa: F401
