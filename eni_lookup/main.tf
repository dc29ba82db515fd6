locals {
  # ENI ids are unknown until the endpoint exists, so they cannot key a for_each. Sorting gives every
  # index a stable ENI once the ids are known; the count itself comes from the (plan-time) subnet count.
  sorted_ids = sort(var.network_interface_ids)
}

data "aws_network_interface" "this" {
  count = var.expected_count

  # The precondition below stops the read before this index could go out of range; try() keeps the
  # expression itself total so no index error can ever mask that message.
  id = try(local.sorted_ids[count.index], null)

  lifecycle {
    precondition {
      condition     = length(var.network_interface_ids) == var.expected_count
      error_message = "The VPC endpoint lists ${length(var.network_interface_ids)} network interface(s) but ${var.expected_count} were expected (one per subnet). Right after an endpoint is created AWS can report fewer ENIs than subnets; run `terraform apply` again to pick them all up. If it persists, check that every subnet is in a distinct AZ the endpoint service supports."
    }

    precondition {
      condition     = length(var.expected_ips) == 0 || length(var.expected_ips) == var.expected_count
      error_message = "There are ${length(var.expected_ips)} expected IP(s) for ${var.expected_count} ENIs: give one pinned IP per subnet, or none."
    }

    postcondition {
      condition     = self.private_ip != null && self.private_ip != ""
      error_message = "Network interface ${self.id} has no private IPv4 address; a PrivateLink endpoint ENI always has one, so this id is not an endpoint ENI."
    }

    postcondition {
      condition     = length(var.expected_ips) == 0 || contains(var.expected_ips, self.private_ip)
      error_message = "Network interface ${self.id} in subnet ${self.subnet_id} holds ${self.private_ip}, which is not one of the pinned IPs ${jsonencode(var.expected_ips)}. The endpoint's subnet_configuration and its real ENIs disagree: fix the pinned IPs or recreate the endpoint."
    }
  }
}
