"""Import every model module so that the metadata (and Alembic) sees all tables."""

from app.accounts import models as accounts_models  # noqa: F401
from app.api import models as api_models  # noqa: F401
from app.api.interim import models as api_interim_models  # noqa: F401
from app.fields import models as fields_models  # noqa: F401
from app.tickets import models as tickets_models  # noqa: F401
