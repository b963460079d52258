# Training stages: a few steps of each on tiny sizes, resume and determinism.
weft_add_test(NAME train LABELS unit SOURCES test_train.cpp LIBS weft_train weft_engine weft_world weft_engine_internal TIMEOUT 600)
