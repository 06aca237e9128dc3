"""The transfer service: import, export, the network report, backup and restore.

The JSON routes (:mod:`api.routes.transfer`), the pages (:mod:`api.web.transfer`) and the
CLI (:mod:`api.cli`) call these functions and hold no rules of their own:

- :mod:`.imports`: read, map, preview and write a spreadsheet; :class:`ImportFlow` for the
  import page's steps;
- :mod:`.uploads`: the uploaded files waiting between preview and confirmation, under the
  data folder;
- :mod:`.exports`: exports, the report, backups (each a :class:`Download`) and restores;
- :mod:`.duplicates`: near-duplicate entries and merging them.
"""

from __future__ import annotations

from api.services.transfer.answers import (
    SavedMappings,
    problem_file,
    value_targets,
)
from api.services.transfer.duplicates import find_duplicates, merge
from api.services.transfer.exports import (
    EXPORT_FORMATS,
    REPORT_FORMATS,
    Download,
    backup_download,
    export_format,
    export_network,
    network_report_file,
    read_backup,
    report_format,
    restore,
    restore_upload,
    write_backup,
)
from api.services.transfer.imports import (
    MAX_BYTES,
    Cancel,
    FileTooLarge,
    ImportCancelled,
    ImportFlow,
    ImportStep,
    check_size,
    mapping_from_json,
    mapping_from_options,
    report_lines,
    run_import,
    run_while_connected,
)
from api.services.transfer.uploads import Owner, Uploads

__all__ = [
    "EXPORT_FORMATS",
    "MAX_BYTES",
    "REPORT_FORMATS",
    "Cancel",
    "Download",
    "FileTooLarge",
    "ImportCancelled",
    "ImportFlow",
    "ImportStep",
    "Owner",
    "SavedMappings",
    "Uploads",
    "backup_download",
    "check_size",
    "export_format",
    "export_network",
    "find_duplicates",
    "mapping_from_json",
    "mapping_from_options",
    "merge",
    "network_report_file",
    "read_backup",
    "report_format",
    "report_lines",
    "restore",
    "restore_upload",
    "problem_file",
    "run_import",
    "value_targets",
    "run_while_connected",
    "write_backup",
]
