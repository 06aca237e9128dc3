"""Moving data in and out: spreadsheet import, exports, backup and restore, the report.

* :mod:`api.transfer.columns`: the sheets and columns the import reads and the export writes;
* :mod:`api.transfer.reader`: XLSX and CSV files (any encoding and separator) as tables;
* :mod:`api.transfer.limits`: what an import file may unpack to and hold (413 over a limit);
* :mod:`api.transfer.archive` and :mod:`api.transfer.xlsx`: ZIPs checked by their directory
  first, workbooks streamed row by row; :mod:`api.transfer.table`: a sheet as plain cells;
* :mod:`api.transfer.importer`: mapping, dry run and atomic, idempotent import;
* :mod:`api.transfer.duplicates`: near-duplicate names and merging two entries;
* :mod:`api.transfer.exporter`: XLSX, CSV, GraphML, GEXF and JSON exports;
* :mod:`api.transfer.backup`: the complete, versioned backup file and its restore;
* :mod:`api.transfer.report`: the network report (Netzwerkbericht) as HTML or PDF.
"""
