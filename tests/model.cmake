# Model core: tensor table, transformer and KV cache, token stream, sampler, loader, Session.
weft_add_test(NAME model LABELS unit SOURCES test_model.cpp LIBS weft_engine weft_engine_internal TIMEOUT 300)
set_target_properties(test_model PROPERTIES AUTOMOC ON)
