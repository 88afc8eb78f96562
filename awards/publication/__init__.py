"""The media committee's outputs: the press list of winners, its exports, and the public winners page."""
