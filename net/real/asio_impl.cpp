// asio is compiled here, once (ASIO_SEPARATE_COMPILATION).
#include <asio/impl/src.hpp>
