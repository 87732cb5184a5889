// fmt's implementation, compiled once into the static library clrprobe_fmt.
//
// Our binaries must not need libfmt.so (it is on few hosts and in no .NET
// runtime image: docs/PORTABILITY.md), so fmt is linked statically. Its
// header-only mode would do that too, but it compiles the implementation
// again in every source file that formats anything (about 4 s of CPU each at
// -O2, most of a build). Here the implementation (fmt/format-inl.h) is
// compiled once, and the templates that fmt/format.h declares `extern` for
// its library build are instantiated for `char` (we format nothing wider).
#include <fmt/format.h>
#include <fmt/format-inl.h>

#include <locale>

FMT_BEGIN_NAMESPACE
namespace detail {

template auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template locale_ref::locale_ref(const std::locale& loc);
template auto locale_ref::get<std::locale>() const -> std::locale;
template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;
template void buffer<char>::append(const char*, const char*);
template void vformat_to(buffer<char>&, string_view, basic_format_args<FMT_BUFFER_CONTEXT(char)>, locale_ref);

}  // namespace detail
FMT_END_NAMESPACE
