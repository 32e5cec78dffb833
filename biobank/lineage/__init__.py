"""Lineage: aliquots (part of a sample) and derivatives (made from it), and a sample's family tree.

``services`` splits a sample (the parent's quantity goes down, never below zero: a database
check), ``selectors`` reads a sample's whole tree, ``forms`` and ``pages`` are the staff desk's.
"""
