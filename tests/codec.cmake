# Image codec: the patch dictionary's gate on fresh test scenes, locality, storage, and the
# transformer's image cells and factored code embeddings.
weft_add_test(NAME codec LABELS unit SOURCES test_codec.cpp LIBS weft_engine weft_world weft_engine_internal TIMEOUT 300)
