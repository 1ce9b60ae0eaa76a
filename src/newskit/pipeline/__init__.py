"""What each command does, without Click: read inputs, run a pure core over chunks or
documents, write to a destination, report on stderr.

One module per command (:mod:`.normalize`, :mod:`.segment`, :mod:`.quotes`, :mod:`.stats`),
each with a ``run_…`` function the CLI calls once with parsed options and that returns the
exit status; :mod:`.inputs` (options every command takes, input errors) and :mod:`.chunks`
(the unit of work of the text commands) are shared. How a run is split between this process
and workers is decided here, once per run, and handed to :mod:`newskit.parallel`, which
knows nothing of what a task holds.
"""
