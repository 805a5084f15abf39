"""Static files for production: hashed names, gzip and Brotli (WhiteNoise), and the
``import … from "./x.js"`` lines of the JavaScript modules rewritten to the hashed names too,
so a shared module (``js/announce.js``) is cached for a year like the rest."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    support_js_module_import_aggregation = True
