# The engine's audio front-end: decoding (WAV/FLAC/Ogg), caps, resampling, log-mel features, WAV writing.
weft_add_test(NAME audio LABELS unit SOURCES test_audio.cpp LIBS weft_engine weft_engine_internal)
