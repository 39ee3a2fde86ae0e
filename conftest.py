"""Settings for every test run, notebooks included (nbval's kernels inherit this environment)."""

import os

from utils.cudnn import CHECK_VARIABLE

# Every LSTM/GRU that cuDNN would run on a GPU checks its mask as cuDNN does, so CI on a CPU catches
# a left-padded or empty masked sequence that would stop a student's notebook on a GPU.
os.environ[CHECK_VARIABLE] = "1"
