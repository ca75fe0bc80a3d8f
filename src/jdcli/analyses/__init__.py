"""The engine under both faces: each module turns a request into a finished :class:`Result`.

One module per command (``occupancy``, ``trends``, ``staffing``, ``verify``, ``report``), each
with a ``run`` function whose keyword arguments are named after the command's options. An
analysis loads its input (a path, a DataFrame or the bundled data), runs the pipeline over
``metrics``, and returns the frame with its title, caption and notes. It imports no typer,
click or rich and prints nothing: warnings and notes are recorded with :mod:`jdcli.notes`.
"""
