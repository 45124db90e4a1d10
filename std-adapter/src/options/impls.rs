//! Which wrapper implements which option traits: written once here, as
//! macros each wrapper's file invokes, so that a new option trait is one
//! line in one macro rather than a line in every wrapper.

/// Makes `$wrapper<S>` a wrapper of one socket, the one its `get_ref`
/// returns: the sealed `Socket` trait, `AsFd` (Unix) or `AsSocket`
/// (Windows), and the option traits every wrapper serves.
macro_rules! socket_wrapper {
    ($wrapper:ident) => {
        impl<S: $crate::sys::AsSocket> $crate::options::sealed::Socket for $wrapper<S> {
            fn socket(&self) -> $crate::sys::BorrowedSocket<'_> {
                $crate::sys::borrow(self.get_ref())
            }
        }

        #[cfg(unix)]
        impl<S: $crate::sys::AsSocket> std::os::fd::AsFd for $wrapper<S> {
            fn as_fd(&self) -> $crate::sys::BorrowedSocket<'_> {
                $crate::sys::borrow(self.get_ref())
            }
        }

        #[cfg(windows)]
        impl<S: $crate::sys::AsSocket> std::os::windows::io::AsSocket for $wrapper<S> {
            fn as_socket(&self) -> $crate::sys::BorrowedSocket<'_> {
                $crate::sys::borrow(self.get_ref())
            }
        }

        impl<S: $crate::sys::AsSocket> $crate::options::UnicastOptions for $wrapper<S> {}
        impl<S: $crate::sys::AsSocket> $crate::options::SocketFacts for $wrapper<S> {}
        impl<S: $crate::sys::AsSocket> $crate::options::HeaderOptions for $wrapper<S> {}
        impl<S: $crate::sys::AsSocket> $crate::options::RoutingOptions for $wrapper<S> {}
        #[cfg(any(target_os = "linux", target_os = "android"))]
        impl<S: $crate::sys::AsSocket> $crate::options::BindingOptions for $wrapper<S> {}
    };
}

/// What `socket_wrapper!` gives, and the option traits of a datagram
/// wrapper (`$wrapper<S>` implements the sealed `DatagramSocket` itself).
macro_rules! datagram_wrapper {
    ($wrapper:ident) => {
        $crate::options::socket_wrapper!($wrapper);

        impl<S: $crate::sys::AsSocket> $crate::options::MulticastOptions for $wrapper<S> {}
        impl<S: $crate::sys::AsSocket> $crate::options::ControlMessageOptions for $wrapper<S> {}
        #[cfg(any(target_os = "linux", target_os = "android"))]
        impl<S: $crate::sys::AsSocket> $crate::options::FilterOptions for $wrapper<S> {}
        #[cfg(any(target_os = "linux", target_os = "android"))]
        impl<S: $crate::sys::AsSocket> $crate::options::ErrorQueueOptions for $wrapper<S> {}
        #[cfg(any(target_os = "linux", target_os = "android"))]
        impl<S: $crate::sys::AsSocket> $crate::options::PathMtuOptions for $wrapper<S> {}
    };
}

pub(crate) use {datagram_wrapper, socket_wrapper};
