"""Storage: the container tree, free positions, box maps, utilisation, and moving samples.

``selectors`` reads (free positions in order, a box's map, how full each freezer and box is),
``services`` writes (placing and moving samples, with a move record and history), ``forms``
and ``pages`` are the staff desk's.
"""
