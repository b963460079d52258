# weft-cli end to end (init-model, info, reply) run as a child process.
weft_add_test(NAME cli LABELS unit SOURCES test_cli.cpp LIBS weft_engine TIMEOUT 600)
set_target_properties(test_cli PROPERTIES AUTOMOC ON)
add_dependencies(test_cli weft-cli)
