/*
 * pwlist.c: passwords too common to accept, whatever their length.
 *
 * The most used passwords of public breach corpora that are at least ten
 * characters long (shorter ones fail the length rule anyway), compared
 * case-insensitively.
 */
#include <strings.h>
#include "pake/auth.h"

static const char *const common[] = {
	"1234567890", "0987654321", "1111111111", "0000000000",
	"1234512345", "1122334455", "1212121212", "1q2w3e4r5t", "1qaz2wsx3edc",
	"qwertyuiop", "asdfghjkl1", "zxcvbnm123", "qwerty1234", "qwerty12345",
	"qwertyuiop1", "1234qwerty", "password12", "password123",
	"password1234", "password1!", "passw0rd123", "p@ssw0rd123",
	"iloveyou12", "iloveyou123", "letmein123", "welcome123", "welcome1234",
	"admin12345", "admin123456", "administrator", "changeme123",
	"football123", "baseball123", "basketball", "monkey1234", "dragon1234",
	"sunshine123", "princess123", "superman123", "michael123", "shadow1234",
	"master1234", "jennifer123", "trustno1234", "starwars123", "whatever12",
	"computer123", "internet123", "1234567890a", "a1234567890",
	"123456789a", "12345678910", "123456789012", "abcdefghij", "abcd123456",
	"abc1234567", "abcdef1234", "zaq12wsxcde", "1q2w3e4r5t6y",
	"q1w2e3r4t5", "q1w2e3r4t5y6", "asdfghjkl;", "qazwsxedcrfv", "passwordpassword",
	"11111111111", "9876543210", "5555555555", "7777777777", "12341234",
	"1234554321", "6543211234", "qwerasdfzxcv", "mypassword1", "mypassword123",
	"secret1234", "secretpassword", "hello12345", "freedom123",
	"summer2024", "summer2025", "summer2026", "winter2024", "winter2025",
	"winter2026", "spring2025", "autumn2025", "january2025", "password2024",
	"password2025", "password2026", "welcome2025", "welcome2026",
	"liverpool1", "chelsea123", "arsenal123", "pokemon123", "minecraft1",
	"minecraft123", "fortnite123", "naruto1234", "chocolate1",
	"butterfly1", "blink182182", "loveyou123", "iloveyou1!", "princess12",
	"charlie123", "jordan2323", "michelle12", "tigger1234", "daniel1234",
};

int
pake_password_common(const char *pw)
{
	size_t i;

	for (i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcasecmp(pw, common[i]) == 0)
			return 1;
	return 0;
}
