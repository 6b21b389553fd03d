"""reviewer: reviews Chinese government information disclosure annual reports (政府信息公开工作年度报告).

Pipeline: ingest (bytes -> Document) -> parse (Document -> AnnualReport) -> checks (-> findings)
-> narrative (-> figures and claims) -> memo (-> Markdown/JSON). Heavy modules are imported lazily.
"""

__version__ = "0.2.0"
