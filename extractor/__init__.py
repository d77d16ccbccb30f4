"""wujin-extractor: Chinese local-newspaper pages to typed, dated facts in SQLite.

The pipeline, one module per stage:
pages (pages.py) -> repaired text (text.py) -> articles (articles.py) -> quantities
(numbers.py, quantities.py) -> facts (classify.py, periods.py, subjects.py; wired in pipeline.py)
-> rows (db/). Rules are data in rules/*.toml.
"""

__version__ = "0.1.0"

from .facts import Article, Fact, Period, Quantity, Span  # noqa: E402
from .pipeline import PageExtraction, extract_page  # noqa: E402

__all__ = ["Article", "Fact", "PageExtraction", "Period", "Quantity", "Span", "extract_page", "__version__"]
