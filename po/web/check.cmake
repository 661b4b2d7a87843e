# Fails when PO lacks a text that SOURCES mark with W_ or WN_ (msgcmp
# against the template xgettext writes into POT), or has an entry that
# is untranslated or fuzzy: a page must never show English by mistake.
string(REPLACE "|" ";" SOURCES "${SOURCES}")
execute_process(COMMAND ${XGETTEXT} --from-code=UTF-8 -kW_ -kWN_ -L C
  -o ${POT} ${SOURCES} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "xgettext failed on hoptac-web's sources")
endif()
execute_process(COMMAND ${MSGCMP} ${PO} ${POT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PO} lacks texts of web/*.c (msgcmp above)")
endif()
foreach(which --untranslated --only-fuzzy)
  execute_process(COMMAND ${MSGATTRIB} ${which} ${PO}
    OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
    message(FATAL_ERROR "${PO} has ${which} entries:\n${out}")
  endif()
endforeach()
