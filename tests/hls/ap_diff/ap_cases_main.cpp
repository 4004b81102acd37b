// Prints every case of int_cases.cpp and fixed_cases.cpp, one per line.
namespace ap_cases {
void int_cases();
void fixed_cases();
}  // namespace ap_cases

int main() {
  ap_cases::int_cases();
  ap_cases::fixed_cases();
  return 0;
}
