"""Checkers of the «Проверьте себя» exercises: one module per notebook, ``lessonNN.py``; shared parts in ``common.py``.

A notebook imports its checkers as ``from rnn_course.exercises.lesson04 import check_make_windows, ...``.
"""
