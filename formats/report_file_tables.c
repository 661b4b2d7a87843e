/*
 * The names a report file uses: its header keys and its sections, with
 * the Vietnamese headings a section line may carry instead.
 */
#include "report_file_int.h"

#include <string.h>

const struct report_file_key_name report_file_keys[KEY_COUNT] = {
    [KEY_REQUEST] = {"request", "request"},
    [KEY_UNIT] = {"unit", "unit"},
    [KEY_NUMBER] = {"number", "number"},
    [KEY_PLACE] = {"place", "place"},
    [KEY_DATE] = {"date", "date"},
    [KEY_NIL] = {"nil", "nil"},
    [KEY_SIGNER] = {"signer", "signer"},
    [KEY_TITLE] = {"title", "title"},
    [KEY_RECIPIENT] = {"recipient", "recipient"},
    [KEY_DELEGATIONS_OUT] = {"delegations_out", "delegationsout"},
    [KEY_PEOPLE_OUT] = {"people_out", "peopleout"},
    [KEY_DELEGATIONS_IN] = {"delegations_in", "delegationsin"},
    [KEY_PEOPLE_IN] = {"people_in", "peoplein"},
    [KEY_CONFERENCES] = {"conferences", "conferences"},
    [KEY_AGREEMENTS] = {"agreements", "agreements"},
    [KEY_ACTIVITIES] = {"activities", "activities"},
};

const char *const report_file_sections[SEC_COUNT] = {
    [SEC_SITUATION] = "situation",
    [SEC_RESULT] = "result",
    [SEC_LIMITATIONS] = "limitations",
    [SEC_CAUSES] = "causes",
    [SEC_DIRECTIONS] = "directions",
    [SEC_PROPOSALS] = "proposals",
};

/*
 * Section names in text_key() form. English names must match whole. The
 * Vietnamese ones need only begin the name, because offices copy the
 * headings of their documents, which run on: "KẾT QUẢ TRIỂN KHAI",
 * "PHƯƠNG HƯỚNG HỢP TÁC TỪ NAY ĐẾN NĂM 2027".
 */
static const struct {
	const char *folded;
	int prefix;
	enum report_file_section section;
} report_file_section_names[] = {
    {"situation", 0, SEC_SITUATION}, {"result", 0, SEC_RESULT},
    {"results", 0, SEC_RESULT}, {"limitations", 0, SEC_LIMITATIONS},
    {"causes", 0, SEC_CAUSES}, {"directions", 0, SEC_DIRECTIONS},
    {"proposals", 0, SEC_PROPOSALS},
    {"dacdiemtinhhinh", 1, SEC_SITUATION}, /* đặc điểm tình hình */
    {"ketqua", 1, SEC_RESULT},             /* kết quả */
    {"tontai", 1, SEC_LIMITATIONS},        /* tồn tại, hạn chế */
    {"hanche", 1, SEC_LIMITATIONS},        /* hạn chế */
    {"nguyennhan", 1, SEC_CAUSES},         /* nguyên nhân */
    {"phuonghuong", 1, SEC_DIRECTIONS},    /* phương hướng */
    {"dexuat", 1, SEC_PROPOSALS},          /* đề xuất, kiến nghị */
    {"kiennghi", 1, SEC_PROPOSALS},        /* kiến nghị */
};

#define REPORT_FILE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum report_file_key
report_file_tables_find_key(const char *folded)
{
	for (int k = 0; k < KEY_COUNT; k++)
		if (strcmp(folded, report_file_keys[k].folded) == 0)
			return (enum report_file_key)k;
	return KEY_COUNT;
}

enum report_file_section
report_file_tables_find_section(const char *folded)
{
	if (folded[0] == '\0')
		return SEC_NONE;
	for (size_t i = 0; i < REPORT_FILE_COUNT(report_file_section_names);
	     i++) {
		const char *n = report_file_section_names[i].folded;

		if (report_file_section_names[i].prefix
		        ? strncmp(folded, n, strlen(n)) == 0
		        : strcmp(folded, n) == 0)
			return report_file_section_names[i].section;
	}
	return SEC_NONE;
}
