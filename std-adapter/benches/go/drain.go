// Command drain is the Go peer of benches/socket_path.rs: it fills a
// loopback UDP socket's receive queue with -n datagrams of -size bytes, then
// times only draining it with golang.org/x/net/ipv4, control messages on
// (FlagTTL|FlagSrc|FlagDst|FlagInterface, every flag Go has), reading what
// the Rust modes read of each datagram: length, source port, TTL,
// destination and interface.
//
//	-mode readfrom   ipv4.PacketConn.ReadFrom, one datagram per call
//	-mode readbatch  ipv4.PacketConn.ReadBatch with -batch messages, each
//	                 control message parsed with ControlMessage.Parse
//
// It prints "count=<datagrams> ns=<wall nanoseconds> cpu_ns=<process CPU
// nanoseconds> acc=<checksum of what was read>". Build (Debian's
// golang-go and golang-golang-x-net-dev, no module download):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/ipv4-go-drain drain.go
//
// It is a comparison harness, not part of the crate.
package main

import (
	"flag"
	"fmt"
	"math"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
)

// cpuTime is the CPU time (user + system) the process has used, from
// getrusage, as the Rust bench measures it: all threads, the runtime's and
// garbage collector's included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail("getrusage", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(1)
}

func main() {
	mode := flag.String("mode", "readfrom", "readfrom or readbatch")
	batch := flag.Int("batch", 32, "messages per ReadBatch")
	n := flag.Int("n", 200000, "datagrams to queue and drain")
	size := flag.Int("size", 64, "datagram payload bytes")
	flag.Parse()

	rx, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		fail("listen", err)
	}
	raw, err := rx.(*net.UDPConn).SyscallConn()
	if err != nil {
		fail("syscall conn", err)
	}
	raw.Control(func(fd uintptr) {
		if err := syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, math.MaxInt32/2); err != nil {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, math.MaxInt32/2)
		}
	})
	p := ipv4.NewPacketConn(rx)
	cf := ipv4.FlagTTL | ipv4.FlagSrc | ipv4.FlagDst | ipv4.FlagInterface
	if err := p.SetControlMessage(cf, true); err != nil {
		fail("SetControlMessage", err)
	}

	// Fill, untimed.
	tx, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		fail("listen", err)
	}
	txp := ipv4.NewPacketConn(tx)
	payload := make([]byte, *size)
	out := make([]ipv4.Message, 64)
	for i := range out {
		out[i] = ipv4.Message{Buffers: [][]byte{payload}, Addr: rx.LocalAddr()}
	}
	for left := *n; left > 0; {
		k := left
		if k > len(out) {
			k = len(out)
		}
		sent, err := txp.WriteBatch(out[:k], 0)
		if err != nil {
			fail("WriteBatch", err)
		}
		left -= sent
	}

	// Drain, timed. The deadline only guards against lost datagrams.
	p.SetReadDeadline(time.Now().Add(30 * time.Second))
	var acc uint64
	count := 0
	var start, last time.Time
	var cpuStart, cpuLast time.Duration
	switch *mode {
	case "readfrom":
		buf := make([]byte, *size+64)
		start, cpuStart = time.Now(), cpuTime()
		for count < *n {
			m, cm, src, err := p.ReadFrom(buf)
			if err != nil {
				break
			}
			acc += uint64(m) + uint64(src.(*net.UDPAddr).Port)
			if cm != nil {
				acc += uint64(cm.TTL) + uint64(cm.IfIndex)
				if d := cm.Dst.To4(); d != nil {
					acc += uint64(d[0])<<24 | uint64(d[1])<<16 | uint64(d[2])<<8 | uint64(d[3])
				}
				if s := cm.Src.To4(); s != nil {
					acc += uint64(s[0])<<24 | uint64(s[1])<<16 | uint64(s[2])<<8 | uint64(s[3])
				}
			}
			count++
			last = time.Now()
			if count >= *n {
				cpuLast = cpuTime()
			}
		}
	case "readbatch":
		ms := make([]ipv4.Message, *batch)
		for i := range ms {
			ms[i] = ipv4.Message{
				Buffers: [][]byte{make([]byte, *size+64)},
				OOB:     ipv4.NewControlMessage(cf),
			}
		}
		var cm ipv4.ControlMessage
		start, cpuStart = time.Now(), cpuTime()
		for count < *n {
			k, err := p.ReadBatch(ms, 0)
			if err != nil {
				break
			}
			for i := 0; i < k; i++ {
				m := &ms[i]
				acc += uint64(m.N) + uint64(m.Addr.(*net.UDPAddr).Port)
				if err := cm.Parse(m.OOB[:m.NN]); err != nil {
					fail("Parse", err)
				}
				acc += uint64(cm.TTL) + uint64(cm.IfIndex)
				if d := cm.Dst.To4(); d != nil {
					acc += uint64(d[0])<<24 | uint64(d[1])<<16 | uint64(d[2])<<8 | uint64(d[3])
				}
			}
			count += k
			last = time.Now()
			if count >= *n {
				cpuLast = cpuTime()
			}
		}
	default:
		fail("mode", fmt.Errorf("unknown mode %q", *mode))
	}
	if count == 0 {
		last = start
	}
	if cpuLast == 0 {
		// Stopped early (lost datagrams): the CPU spent waiting for the
		// deadline is idle time, so the figure is still the drain's.
		cpuLast = cpuTime()
	}
	fmt.Printf("count=%d ns=%d cpu_ns=%d acc=%d\n", count, last.Sub(start).Nanoseconds(), (cpuLast - cpuStart).Nanoseconds(), acc)
}
