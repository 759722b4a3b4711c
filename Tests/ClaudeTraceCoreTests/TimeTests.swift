import Testing
@testable import ClaudeTraceCore

@Suite("UTC dates, HTTP dates and durations")
struct TimeTests {
    @Test("an HTTP date reads the same in all three of its forms")
    func httpDateForms() {
        #expect(HTTPDate.secondsSinceEpoch("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.secondsSinceEpoch("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.secondsSinceEpoch("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.secondsSinceEpoch("Tue, 29 Feb 2028 12:00:00 GMT") == 1_835_438_400)
    }

    @Test("an HTTP date with an impossible field or no time zone is rejected")
    func httpDateRejects() {
        #expect(HTTPDate.secondsSinceEpoch("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        #expect(HTTPDate.secondsSinceEpoch("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.secondsSinceEpoch("Sun, 06 Nov 1994 08:49:37") == nil)
        #expect(HTTPDate.secondsSinceEpoch("soon") == nil)
    }

    @Test("day numbers and civil dates convert both ways, leap days included")
    func civilDates() {
        for day: Int64 in [-719_468, -1, 0, 59, 20_402, 21_243, 2_932_896] {
            let date = UTCTime.civilDate(day: day)
            #expect(UTCTime.days(year: date.year, month: date.month, day: date.day) == day)
        }
        #expect(UTCTime.dateString(day: UTCTime.days(year: 2028, month: 2, day: 29)) == "2028-02-29")
        #expect(UTCTime.daysInMonth(year: 2100, month: 2) == 28 && UTCTime.daysInMonth(year: 2000, month: 2) == 29)
        #expect(UTCTime.timestamp(1_792_567_680_123_000_000) == "2026-10-21T07:28:00.123Z")
    }

    @Test("a duration reads as seconds and as rounded milliseconds")
    func durations() {
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.microseconds(2_500).milliseconds == 3)
        #expect(Duration.seconds(-2).milliseconds == -2000)
        #expect(Duration.milliseconds(1500).wholeNanoseconds == 1_500_000_000)
        #expect(Duration.seconds(-1).wholeNanoseconds == 0 && Duration.seconds(Int64.max).wholeNanoseconds == .max)
    }
}
