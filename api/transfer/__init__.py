"""Moving data in and out: spreadsheet import, exports, backup and restore, the report.

* :mod:`api.transfer.columns`: the sheets and columns the import reads and the export writes;
* :mod:`api.transfer.reader`: XLSX and CSV files (any encoding and separator) as tables;
* :mod:`api.transfer.importer`: mapping, dry run and atomic, idempotent import;
* :mod:`api.transfer.duplicates`: near-duplicate names and merging two entries;
* :mod:`api.transfer.exporter`: XLSX, CSV, GraphML, GEXF and JSON exports;
* :mod:`api.transfer.backup`: the complete, versioned backup file and its restore;
* :mod:`api.transfer.report`: the network report (Netzwerkbericht) as HTML or PDF.
"""
