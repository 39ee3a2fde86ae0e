"""Shared code of the RNN course: profiles, data, results, exercise checkers.

`import utils` does not import Keras, so the bootstrap cell can run before the backend is chosen.
"""

from .cudnn import cudnn_mask_ok
from .data import imdb_raw_reviews, imdb_word_index, load_alice, load_en_ru_pairs, load_imdb
from .exercises import (  # notebooks 02, 04, 06
    check_adder_sizes,
    check_apply_temperature,
    check_attention_hits_box,
    check_bptt_step,
    check_function,
    check_gru_params,
    check_gru_step,
    check_make_windows,
    check_receptive_field,
    check_tanh_grad,
    check_temperature_words,
    check_value,
)
from .profile import get_profile, pick, setup
from .results import record

__all__ = [
    "check_adder_sizes",
    "check_apply_temperature",
    "check_attention_hits_box",
    "check_bptt_step",
    "check_gru_params",
    "check_gru_step",
    "check_make_windows",
    "check_receptive_field",
    "check_tanh_grad",
    "check_temperature_words",
    "check_function",
    "check_value",
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
