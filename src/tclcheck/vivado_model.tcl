# Recorded definitions of the Vivado commands a block-design script uses, for
# `zynqnn tcl-check`. Usage: tclsh vivado_model.tcl SCRIPT.tcl
#
# Each command records what it would build (cells, their VLNV and CONFIG, nets, interface
# nets, addresses, automation, flow steps) instead of building it; at the end the model is
# printed as JSON lines on stdout, one record per line. Commands without a definition here
# are recorded as "unknown" and return an empty result, so the check can name them.
# This models structure only: it knows nothing about IP parameter legality or timing.

namespace eval ::zynqnn {
  variable records {}
  variable cells
  array set cells {}
  variable project ""
}

proc ::zynqnn::json_string {text} {
  set map [list "\\" "\\\\" "\"" "\\\"" "\n" "\\n" "\r" "\\r" "\t" "\\t"]
  set escaped [string map $map $text]
  # Remaining control characters as \u00XX.
  set out ""
  foreach char [split $escaped ""] {
    scan $char %c code
    if {$code < 32} {
      append out [format "\\u%04x" $code]
    } else {
      append out $char
    }
  }
  return "\"$out\""
}

# record KIND key value key value ... (values are strings; a value given as
# "list:a b c" (a Tcl list) is written as a JSON array of strings)
proc ::zynqnn::record {kind args} {
  set fields [list "\"kind\":[::zynqnn::json_string $kind]"]
  foreach {key value} $args {
    if {[string match "list:*" $key]} {
      set items {}
      foreach item $value { lappend items [::zynqnn::json_string $item] }
      lappend fields "[::zynqnn::json_string [string range $key 5 end]]:\[[join $items ,]\]"
    } else {
      lappend fields "[::zynqnn::json_string $key]:[::zynqnn::json_string $value]"
    }
  }
  lappend ::zynqnn::records "\{[join $fields ,]\}"
}

# Splits "-flag value" options (flags listed in `with_value`) from positional arguments.
proc ::zynqnn::options {arguments with_value} {
  set opts [dict create]
  set positional {}
  for {set i 0} {$i < [llength $arguments]} {incr i} {
    set a [lindex $arguments $i]
    if {[string index $a 0] eq "-" && [string length $a] > 1} {
      set name [string range $a 1 end]
      if {[lsearch -exact $with_value $name] >= 0} {
        incr i
        dict set opts $name [lindex $arguments $i]
      } else {
        dict set opts $name 1
      }
    } else {
      lappend positional $a
    }
  }
  return [list $opts $positional]
}

# Object names, flattened: commands accept lists of objects as Vivado's do.
proc ::zynqnn::flatten {items} {
  set out {}
  foreach item $items {
    foreach x $item { lappend out $x }
  }
  return $out
}

proc ::zynqnn::object_cell {pin} {
  set path [string trimleft $pin /]
  return [lindex [split $path /] 0]
}

proc create_project {args} {
  lassign [::zynqnn::options $args {part dir ip_repo_paths}] opts positional
  set ::zynqnn::project [lindex $positional 0]
  set part [expr {[dict exists $opts part] ? [dict get $opts part] : ""}]
  ::zynqnn::record project name $::zynqnn::project part $part
  return "project:$::zynqnn::project"
}
proc current_project {args} { return "project:$::zynqnn::project" }
proc current_fileset {args} { return "fileset:sources_1" }
proc update_ip_catalog {args} { ::zynqnn::record step name update_ip_catalog; return "" }

proc create_bd_design {args} {
  lassign [::zynqnn::options $args {dir}] opts positional
  ::zynqnn::record bd_design name [lindex $positional 0]
  return [lindex $positional 0]
}
proc open_bd_design {args} { return "" }
proc current_bd_design {args} { return "" }
proc save_bd_design {args} { ::zynqnn::record step name save_bd_design; return "" }
proc regenerate_bd_layout {args} { return "" }

proc create_bd_cell {args} {
  lassign [::zynqnn::options $args {type vlnv reference}] opts positional
  set name [string trimleft [lindex $positional 0] /]
  if {$name eq ""} { error "create_bd_cell: no cell name" }
  if {[info exists ::zynqnn::cells($name)]} { error "create_bd_cell: cell '$name' already exists" }
  set vlnv [expr {[dict exists $opts vlnv] ? [dict get $opts vlnv] : ""}]
  set ::zynqnn::cells($name) $vlnv
  ::zynqnn::record cell name $name vlnv $vlnv
  return $name
}

proc get_bd_cells {args} {
  lassign [::zynqnn::options $args {filter hierarchical of_objects}] opts positional
  set out {}
  foreach pattern [::zynqnn::flatten $positional] {
    set pattern [string trimleft $pattern /]
    foreach name [array names ::zynqnn::cells] {
      if {[string match $pattern $name]} { lappend out $name }
    }
  }
  return [lsort $out]
}

proc ::zynqnn::pins {kind arguments} {
  lassign [::zynqnn::options $arguments {filter of_objects}] opts positional
  set out {}
  foreach pin [::zynqnn::flatten $positional] {
    set cell [::zynqnn::object_cell $pin]
    if {![info exists ::zynqnn::cells($cell)]} {
      ::zynqnn::record missing_object kind $kind name $pin
      continue
    }
    lappend out [string trimleft $pin /]
  }
  return $out
}
proc get_bd_pins {args} { return [::zynqnn::pins pin $args] }
proc get_bd_intf_pins {args} { return [::zynqnn::pins intf_pin $args] }
proc get_bd_ports {args} { return [::zynqnn::flatten [lindex [::zynqnn::options $args {filter}] 1]] }
proc get_bd_intf_ports {args} { return [::zynqnn::flatten [lindex [::zynqnn::options $args {filter}] 1]] }
proc get_bd_nets {args} { return [::zynqnn::flatten [lindex [::zynqnn::options $args {filter}] 1]] }
proc get_bd_intf_nets {args} { return [::zynqnn::flatten [lindex [::zynqnn::options $args {filter}] 1]] }
proc get_bd_addr_spaces {args} { return [::zynqnn::flatten [lindex [::zynqnn::options $args {filter of_objects}] 1]] }
proc get_bd_addr_segs {args} {
  lassign [::zynqnn::options $args {filter of_objects}] opts positional
  set out {}
  foreach seg [::zynqnn::flatten $positional] {
    set cell [::zynqnn::object_cell $seg]
    if {![info exists ::zynqnn::cells($cell)]} {
      ::zynqnn::record missing_object kind addr_seg name $seg
      continue
    }
    lappend out [string trimleft $seg /]
  }
  return $out
}

proc set_property {args} {
  lassign [::zynqnn::options $args {}] opts positional
  if {[dict exists $opts dict]} {
    set pairs [lindex $positional 0]
    set objects [::zynqnn::flatten [lrange $positional 1 end]]
  } else {
    set pairs [list [lindex $positional 0] [lindex $positional 1]]
    set objects [::zynqnn::flatten [lrange $positional 2 end]]
  }
  if {[llength $objects] == 0} { error "set_property: no objects given (did a get_* command find nothing?)" }
  foreach object $objects {
    foreach {key value} $pairs {
      ::zynqnn::record property object $object key $key value $value
    }
  }
  return ""
}

proc get_property {name object} {
  # A run is taken as complete and its timing as met: the model implements nothing.
  switch -- $name {
    PROGRESS { return "100%" }
    SLACK { return "0.000" }
    DIRECTORY { return "/tclcheck/runs/[string range $object 4 end]" }
    default { return "" }
  }
}

proc apply_bd_automation {args} {
  lassign [::zynqnn::options $args {rule config opts}] opts positional
  set rule [expr {[dict exists $opts rule] ? [dict get $opts rule] : ""}]
  set config [expr {[dict exists $opts config] ? [dict get $opts config] : ""}]
  foreach object [::zynqnn::flatten $positional] {
    ::zynqnn::record automation rule $rule object $object config $config
  }
  return ""
}

proc connect_bd_intf_net {args} {
  lassign [::zynqnn::options $args {intf_net boundary_type}] opts positional
  set ends [::zynqnn::flatten $positional]
  if {[llength $ends] != 2} { error "connect_bd_intf_net: expected two interface pins, got [llength $ends]" }
  ::zynqnn::record intf_net a [lindex $ends 0] b [lindex $ends 1]
  return ""
}

proc connect_bd_net {args} {
  lassign [::zynqnn::options $args {net boundary_type}] opts positional
  set ends [::zynqnn::flatten $positional]
  if {[llength $ends] < 2} { error "connect_bd_net: expected at least two pins, got [llength $ends]" }
  ::zynqnn::record net list:pins $ends
  return ""
}

proc create_bd_port {args} {
  lassign [::zynqnn::options $args {dir type from to freq_hz}] opts positional
  ::zynqnn::record port name [lindex $positional 0]
  return [lindex $positional 0]
}
proc create_bd_intf_port {args} {
  lassign [::zynqnn::options $args {mode vlnv}] opts positional
  ::zynqnn::record port name [lindex $positional 0]
  return [lindex $positional 0]
}
proc make_bd_pins_external {args} { return "" }
proc make_bd_intf_pins_external {args} { return "" }

proc assign_bd_address {args} {
  lassign [::zynqnn::options $args {target_address_space offset range}] opts positional
  set segs [::zynqnn::flatten $positional]
  set space [expr {[dict exists $opts target_address_space] ? [dict get $opts target_address_space] : ""}]
  set offset [expr {[dict exists $opts offset] ? [dict get $opts offset] : ""}]
  set range [expr {[dict exists $opts range] ? [dict get $opts range] : ""}]
  if {[llength $segs] == 0} {
    ::zynqnn::record address space $space segment "" offset $offset range $range
  }
  foreach seg $segs {
    ::zynqnn::record address space $space segment $seg offset $offset range $range
  }
  return ""
}

proc validate_bd_design {args} { ::zynqnn::record step name validate_bd_design; return "" }
proc make_wrapper {args} {
  ::zynqnn::record step name make_wrapper
  return "/tclcheck/hdl/wrapper.v"
}
proc get_files {args} {
  lassign [::zynqnn::options $args {of_objects filter}] opts positional
  return [::zynqnn::flatten $positional]
}
proc add_files {args} { return "" }
proc import_files {args} { return "" }
proc generate_target {args} { ::zynqnn::record step name generate_target; return "" }
proc get_runs {args} { return "run:[lindex $args end]" }
proc reset_run {args} { return "" }
proc launch_runs {args} {
  lassign [::zynqnn::options $args {to_step jobs}] opts positional
  set step [expr {[dict exists $opts to_step] ? [dict get $opts to_step] : ""}]
  ::zynqnn::record launch_runs list:runs $positional to_step $step
  return ""
}
proc wait_on_run {args} { return "" }
proc write_hw_platform {args} { ::zynqnn::record step name write_hw_platform; return "" }
proc write_bd_tcl {args} { return "" }

# The script runs in a safe interpreter: no file, socket or process access. The commands
# above are its Vivado; `file` offers only path arithmetic (copies are recorded, not made).
proc ::zynqnn::file {subcommand args} {
  switch -- $subcommand {
    copy - delete - rename - mkdir - link {
      ::zynqnn::record file operation $subcommand list:arguments $args
      return ""
    }
    join - dirname - tail - extension - rootname - split - normalize - exists - isfile - isdirectory {
      if {$subcommand in {exists isfile isdirectory}} { return 0 }
      return [::file $subcommand {*}$args]
    }
    default { error "file $subcommand: not available in the check" }
  }
}
proc ::zynqnn::puts {args} { return "" }
proc ::zynqnn::exit {args} { ::zynqnn::record step name exit; return -code error "::zynqnn::exit" }
proc ::zynqnn::unknown {args} {
  ::zynqnn::record unknown name [lindex $args 0]
  return ""
}

if {$argc != 1} {
  puts stderr "usage: tclsh vivado_model.tcl SCRIPT.tcl"
  exit 2
}
set ::zynqnn::script [file normalize [lindex $argv 0]]
set channel [open $::zynqnn::script r]
set ::zynqnn::text [read $channel]
close $channel

set child [interp create -safe]
foreach command {
  create_project current_project current_fileset update_ip_catalog create_bd_design open_bd_design
  current_bd_design save_bd_design regenerate_bd_layout create_bd_cell get_bd_cells get_bd_pins
  get_bd_intf_pins get_bd_ports get_bd_intf_ports get_bd_nets get_bd_intf_nets get_bd_addr_spaces
  get_bd_addr_segs set_property get_property apply_bd_automation connect_bd_intf_net connect_bd_net
  create_bd_port create_bd_intf_port make_bd_pins_external make_bd_intf_pins_external
  assign_bd_address validate_bd_design make_wrapper get_files add_files import_files
  generate_target get_runs reset_run launch_runs wait_on_run write_hw_platform write_bd_tcl
} {
  interp alias $child $command {} $command
}
foreach command {file puts exit unknown} {
  interp alias $child $command {} ::zynqnn::$command
}
# A bound on the work a script may do, so that a loop in it ends the check, not the machine.
interp limit $child command -value 5000000
$child eval [list info script $::zynqnn::script]
set ::zynqnn::status [catch {$child eval $::zynqnn::text} ::zynqnn::message ::zynqnn::options_dict]
if {$::zynqnn::status == 1 && $::zynqnn::message ne "::zynqnn::exit"} {
  ::zynqnn::record script_error message $::zynqnn::message trace [dict get $::zynqnn::options_dict -errorinfo]
}
foreach line $::zynqnn::records { puts $line }
