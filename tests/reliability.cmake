# Reliability: limits before decoding, fault injection (disk full, unwritable folder, corrupt and
# future files, missing media, engine failure, quitting mid-generation) on real widgets and the
# real engine, and the 1,000-turn load test (docs/RELIABILITY.md).
weft_add_test(NAME reliability LABELS gui TIMEOUT 400
  SOURCES test_reliability.cpp
  LIBS weft_widgets weft_engine_internal Qt6::Widgets)
# The same executable runs only the load test here (it skips itself in the run above).
add_test(NAME reliability_load COMMAND test_reliability loadThousandTurns)
if(WEFT_SANITIZE)
  set(reliability_load_timeout 2700)
else()
  set(reliability_load_timeout 900)
endif()
set_tests_properties(reliability_load PROPERTIES LABELS "slow" TIMEOUT ${reliability_load_timeout}
  ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OMP_NUM_THREADS=2;WEFT_RELIABILITY_LOAD=1")
