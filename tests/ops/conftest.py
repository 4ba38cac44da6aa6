"""Site operations tests build on the point-of-sale venue (a bar tablet with an open drawer)."""

from tests.pos.conftest import venue  # noqa: F401 - the point-of-sale venue fixture
