import unittest

from pyhost_gateway.supervisor import backoff_delay


class BackoffTest(unittest.TestCase):
    def test_doubles_up_to_the_cap(self):
        self.assertEqual([backoff_delay(n) for n in range(1, 9)], [1, 2, 4, 8, 16, 30, 30, 30])

    def test_zero_crashes_is_the_base(self):
        self.assertEqual(backoff_delay(0), 1)

    def test_custom(self):
        self.assertEqual(backoff_delay(3, base=0.5, cap=1.5), 1.5)


if __name__ == "__main__":
    unittest.main()
