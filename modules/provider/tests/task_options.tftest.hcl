# Fargate task options a platform team sets per env: task role, secrets, CPU architecture, container port.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}


variables {
  name               = "employee"
  port               = 80
  allowed_principals = ["arn:aws:iam::111111111111:root"]
  fargate            = { image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0" }
}

run "defaults_x86_no_task_role_no_secrets" {
  command = plan

  assert {
    condition     = one(aws_ecs_task_definition.this[0].runtime_platform).cpu_architecture == "X86_64" && one(aws_ecs_task_definition.this[0].runtime_platform).operating_system_family == "LINUX"
    error_message = "The default runtime platform must be Linux on X86_64."
  }
  assert {
    condition     = aws_ecs_task_definition.this[0].task_role_arn == null && length(aws_iam_role_policy.execution_secrets) == 0
    error_message = "Without shared storage or task_role_arn there is no task role, and without secrets no secrets policy."
  }
  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].secrets) == 0
    error_message = "Without secrets the container definition lists none."
  }
}

run "task_role_secrets_arm64_and_own_container_port" {
  command = plan
  variables {
    port = 443
    fargate = {
      image            = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0"
      container_port   = 9000
      task_role_arn    = "arn:aws:iam::222222222222:role/employee-app"
      cpu_architecture = "ARM64"
      secrets = {
        DB_PASSWORD = "arn:aws:secretsmanager:us-east-1:222222222222:secret:employee/db-AbCdEf"
        API_KEY     = "arn:aws:ssm:us-east-1:222222222222:parameter/employee/api-key"
      }
    }
  }

  assert {
    condition     = aws_ecs_task_definition.this[0].task_role_arn == "arn:aws:iam::222222222222:role/employee-app" && output.task_role_arn == "arn:aws:iam::222222222222:role/employee-app"
    error_message = "task_role_arn must become the task definition's task role (and the output)."
  }
  assert {
    condition     = one(aws_ecs_task_definition.this[0].runtime_platform).cpu_architecture == "ARM64"
    error_message = "cpu_architecture must reach the task definition's runtime platform."
  }
  assert {
    condition = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].secrets == [
      { name = "API_KEY", valueFrom = "arn:aws:ssm:us-east-1:222222222222:parameter/employee/api-key" },
      { name = "DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:us-east-1:222222222222:secret:employee/db-AbCdEf" },
    ]
    error_message = "Each secret must be a container secret named by its variable, valueFrom its ARN, sorted by name."
  }
  assert {
    condition     = length(aws_iam_role_policy.execution_secrets) == 1
    error_message = "The execution role must get a policy reading the secrets."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].portMappings[0].containerPort == 9000 && aws_lb_target_group.this[0].port == 9000 && aws_lb_listener.this[0].port == 443
    error_message = "The container and target group listen on container_port, the NLB listener on port."
  }
}

run "task_role_arn_malformed" {
  command = plan
  variables {
    fargate = { image = "employee:1", task_role_arn = "employee-app" }
  }
  # fires: fargate.task_role_arn must be an IAM role ARN
  expect_failures = [var.fargate]
}

run "task_role_arn_with_shared_storage" {
  command = plan
  variables {
    fargate = { image = "employee:1", task_role_arn = "arn:aws:iam::222222222222:role/app", shared_storage = { path = "/data" } }
  }
  # fires: fargate.task_role_arn and fargate.shared_storage exclude each other
  expect_failures = [var.fargate]
}

run "secret_not_an_arn" {
  command = plan
  variables {
    fargate = { image = "employee:1", secrets = { DB_PASSWORD = "employee/db" } }
  }
  # fires: fargate.secrets must map environment variable names to the full ARN
  expect_failures = [var.fargate]
}

run "secret_also_in_environment" {
  command = plan
  variables {
    fargate = {
      image       = "employee:1"
      environment = { DB_PASSWORD = "plain" }
      secrets     = { DB_PASSWORD = "arn:aws:ssm:us-east-1:222222222222:parameter/db" }
    }
  }
  # fires: fargate.secrets and fargate.environment must not set the same variable
  expect_failures = [var.fargate]
}

run "cpu_architecture_unknown" {
  command = plan
  variables {
    fargate = { image = "employee:1", cpu_architecture = "arm64" }
  }
  # fires: fargate.cpu_architecture must be X86_64 or ARM64.
  expect_failures = [var.fargate]
}
