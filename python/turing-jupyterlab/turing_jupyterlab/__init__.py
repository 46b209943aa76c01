"""Turing's JupyterLab extensions, installed as prebuilt labextensions.

The wheel installs the extensions into share/jupyter/labextensions/@turing/;
this module only tells Jupyter tooling (e.g. ``jupyter labextension develop``)
where they are and where they go.
"""

__version__ = "0.1.0"

_EXTENSIONS = ("client", "environments", "jobs", "models")


def _jupyter_labextension_paths():
    """The Turing labextensions: source relative to this package, destination name."""
    return [
        {"src": f"labextensions/@turing/{name}", "dest": f"@turing/{name}"}
        for name in _EXTENSIONS
    ]
