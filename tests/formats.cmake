# Format parsers and writers: safetensors, config.json, tokenizer, conversations, media.
weft_add_test(NAME formats LABELS unit SOURCES test_formats.cpp LIBS weft_engine weft_engine_internal)
# Fuzzing and hostile inputs for every parser of outside bytes (DESIGN.md, reliability rules).
weft_add_test(NAME formats_fuzz LABELS unit SOURCES test_formats_fuzz.cpp LIBS weft_engine weft_engine_internal TIMEOUT 120)
# The suites include their own .moc files.
set_target_properties(test_formats test_formats_fuzz PROPERTIES AUTOMOC ON)
