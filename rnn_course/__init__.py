"""Shared code of the RNN course: profiles, data, results; exercise checkers in ``rnn_course.exercises``.

`import rnn_course` does not import Keras, so the bootstrap cell can run before the backend is chosen.
"""

from .cudnn import cudnn_mask_ok
from .data import imdb_raw_reviews, imdb_word_index, load_alice, load_en_ru_pairs, load_imdb
from .profile import get_profile, pick, setup
from .results import record

__all__ = [
    "cudnn_mask_ok",
    "get_profile",
    "imdb_raw_reviews",
    "imdb_word_index",
    "load_alice",
    "load_en_ru_pairs",
    "load_imdb",
    "pick",
    "record",
    "setup",
]
